"""Comments and mentions (PUB-3): anyone who may see an objective talks about it, its key results and check-ins,
and @mentions colleagues, who are told through the inbox."""
