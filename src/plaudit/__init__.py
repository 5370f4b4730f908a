"""Plaudit: self-hosted digital credentials speaking Accredible, Credly and Open edX APIs."""

__version__ = "0.1.0"
