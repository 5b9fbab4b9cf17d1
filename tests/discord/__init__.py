"""The Discord bot, end to end over a real gateway and REST connection, against a local fake
Discord (tests/fakes/discord_server.py)."""
