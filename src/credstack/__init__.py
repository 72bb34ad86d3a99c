"""credstack: a self-hostable micro-credential platform."""

__version__ = "0.1.0"
