"""An agent that binds its port the way a legacy base class does, a few calls deep, while
another process already holds that port: `OSError: [Errno 98] Address already in use`."""
import os
import socket


class BaseAgent:
    def __init__(self, port):
        self.port = port
        self.server = self.bind_main_socket()

    def bind_main_socket(self):
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.bind((os.environ.get("BIND_ADDRESS", "127.0.0.1"), self.port))
        server.listen()
        return server


class ClashingAgent(BaseAgent):
    pass


if __name__ == "__main__":
    print(f"{os.environ['AGENT_NAME']}: binding port {os.environ['AGENT_PORT']}", flush=True)
    ClashingAgent(int(os.environ["AGENT_PORT"]))
