"""The domain: rules and the use cases that apply them. Never imports Telegram."""
