"""Plugin surface: hook specifications and the plugin manager (plugins/)."""
