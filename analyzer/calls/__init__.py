"""Two-party calls: one party per channel (``speakers``) and the conversation between them
(``conversation``: turns, talk ratio, questions, interruptions)."""
