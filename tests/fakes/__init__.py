"""Local stand-ins for the services deckcast talks to (OpenAI-compatible APIs, Discord, Slack),
served over real sockets on 127.0.0.1 so the real client libraries run unchanged."""
