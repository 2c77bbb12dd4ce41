"""The log prints each line once: one handler between any logger and the terminal."""

import logging

from huey.consumer_options import ConsumerConfig


def handlers_reached(name: str) -> list[logging.Handler]:
    """Every handler a record logged on `name` is passed to, following propagation."""
    reached, logger = [], logging.getLogger(name)
    while logger is not None:
        # pytest's own capture handlers on the root are not part of the configuration.
        reached.extend(h for h in logger.handlers if not type(h).__module__.startswith("_pytest"))
        logger = logger.parent if logger.propagate else None
    return reached


def start_worker_logging():
    """What `run_huey` does at start: it adds its own handler when "huey" has none."""
    logger = logging.getLogger("huey")
    if not logger.handlers:
        ConsumerConfig(workers=1).setup_logger(logger)


def test_request_lines_reach_one_handler():
    assert len(handlers_reached("django.request")) == 1
    assert len(handlers_reached("django.server")) == 1


def test_task_lines_reach_one_handler_after_the_worker_starts():
    start_worker_logging()

    assert len(handlers_reached("huey.consumer")) == 1
    assert len(handlers_reached("huey")) == 1


def test_masthead_lines_reach_one_handler():
    assert len(handlers_reached("masthead.billing.renewals")) == 1
