"""The pure core: rules, commands and errors. No I/O, no web or SQL imports."""
