"""Scheduled work: jobs, the Delivery outbox, the rate-limited sender, leader election."""
