import { chromium, type Browser } from "playwright-core";
import { chromiumBin, ensureTools } from "../stack/apt.js";

/**
 * Debian's Chromium, driven by playwright-core (which brings no browser of its own). The package is installed with
 * apt-get the first time a browser test needs it, as the stack installs PostgreSQL or Java; later runs find it.
 */
export async function launchChromium(log: (msg: string) => void = () => undefined): Promise<Browser> {
  await ensureTools(["chromium"], log);
  return chromium.launch({ executablePath: chromiumBin });
}
