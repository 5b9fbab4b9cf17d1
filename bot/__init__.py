"""The deckcast application: settings, conversation engine, store, jobs, the CLI and the
chat-platform adapters (``bot.discord``, ``bot.slack``, the terminal)."""
