"""How a step of the load run tells the caller what to do next."""


class Retry(Exception):
    """This attempt did not work (Cinder away, form refused): try again."""


class NoAnswer(Retry):
    """Horizon did not answer properly: 5xx, timeout, connection error."""


class StepFailed(Exception):
    """A step gave up after its attempts or its time limit."""


class Redo(Exception):
    """Stop waiting: the action has to be asked for again."""

