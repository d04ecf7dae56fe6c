"""The domain: rules and the use cases that apply them. Never imports Telegram.

One subpackage per domain, lower ones never importing higher ones:
common → org → reporting → orders → ratings → assessment → review, documents.
"""
