import { join } from "node:path";
import { format, resolveConfig } from "prettier";
import { renderConfigDocs } from "./render.js";
import { serviceSettings } from "./services.js";

/** The generated reference's place in the repository. */
export const configDocsFile = (root: string): string => join(root, "docs", "configuration.md");

/**
 * docs/configuration.md as the code defines it now (`root`: the repository), formatted as the repository formats
 * Markdown, so the committed file and a fresh render compare equal.
 */
export async function currentConfigDocs(root: string): Promise<string> {
  const file = configDocsFile(root);
  return format(renderConfigDocs(serviceSettings(root)), { ...(await resolveConfig(file)), filepath: file });
}
