"""Public pages (credential pages, verification, wallet) and the URLs that point at them."""
