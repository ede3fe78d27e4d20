"""The processes that run the agents: our supervisor, supervisord, circus, and plain loops."""
