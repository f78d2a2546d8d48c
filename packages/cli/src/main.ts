// Placeholder until the CLI lands (issue 14): prints its usage.
console.log("data-exporter: the CLI is being built; see issue 14");
