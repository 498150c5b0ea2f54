"""Built-in scenario files (TOML), shipped with the package."""
