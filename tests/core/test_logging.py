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


def test_the_terminal_handler_writes_each_line_once_from_its_own_thread():
    import io
    import threading

    from masthead.core.logs import BackgroundStreamHandler

    stream = io.StringIO()
    handler = BackgroundStreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("masthead.tests.background")
    logger.addHandler(handler)
    logger.propagate = False
    writers = []
    try:
        logger.warning("first %s", "line")
        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("second line")
        writers = [t for t in threading.enumerate() if t is not threading.current_thread()
                   and handler._listener is not None and t is handler._listener._thread]
    finally:
        handler.flush_and_stop()
        logger.removeHandler(handler)
        logger.propagate = True

    lines = stream.getvalue()
    assert lines.count("WARNING first line\n") == 1
    assert lines.count("ERROR second line\n") == 1
    assert "ValueError: boom" in lines
    assert len(writers) == 1  # written by the handler's own thread, not the caller's


def test_the_configured_terminal_handler_is_the_background_one():
    from masthead.core.logs import BackgroundStreamHandler

    assert [type(h) for h in handlers_reached("masthead.request")] == [BackgroundStreamHandler]
