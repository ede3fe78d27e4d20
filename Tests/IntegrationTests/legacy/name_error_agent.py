"""An agent that dies at import on a helper it uses without importing it, as legacy agents did
with `join_path` and `get_project_root`: `NameError: name 'join_path' is not defined`."""
import os

print(f"{os.environ.get('AGENT_NAME', 'agent')}: loading its configuration", flush=True)
CONFIG_PATH = join_path(os.path.dirname(__file__), "config", "agent.yaml")
