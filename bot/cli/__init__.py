"""The command line: ``kdrama-bot run|sync|db|invite|data|sandbox``."""
