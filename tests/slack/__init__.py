"""The Slack app, end to end over HTTP, against a local fake Slack."""
