"""An agent whose main() catches its fatal error, logs `Error in main: ...` and returns, so the
process exits 0, as the legacy agents' main() does."""
import logging
import os

logging.basicConfig(level=logging.INFO, format="%(asctime)s - %(name)s - %(levelname)s - %(message)s")
logger = logging.getLogger(os.environ.get("AGENT_NAME", "agent"))


def connect_to_model_manager():
    raise ConnectionError("model manager did not answer at 127.0.0.1:5570")


def main():
    try:
        logger.info("starting")
        connect_to_model_manager()
    except Exception as error:
        logger.error(f"Error in main: {error}")
    finally:
        logger.info("cleaning up")


if __name__ == "__main__":
    main()
