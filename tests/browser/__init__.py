"""The browser harness: `render_dashboard` drives the machine's chromium via render.mjs."""
