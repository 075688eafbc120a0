"""How refusals are logged: a 4xx answer is the service working (a page someone may not see, an address that
does not exist, too many attempts), so it is one line at INFO, without a traceback. Tracebacks are kept for
real errors (5xx). Django's request and security loggers put the status in every record's `status_code`."""

import logging


class RefusalsAreOneLine(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.levelno, record.levelname = logging.INFO, logging.getLevelName(logging.INFO)
            record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True
