"""The wire dialects. A dialect never imports another one."""
