"""kdrama-bot: a Discord bot for a K-drama fan community."""

__version__ = "0.1.0"
