"""A Cinder client that records every call made through it, for the
service user's admin client in tests: which calls it saw, with what."""

import types


class Recording:
    """Delegates to ``cinder`` (a fake), recording ``(name, args,
    kwargs)`` for each manager call, e.g. ``('volumes.list', (), {...})``."""

    def __init__(self, cinder):
        self._cinder = cinder
        self.calls = []

    def __getattr__(self, name):
        target = getattr(self._cinder, name)
        if not isinstance(target, types.SimpleNamespace):
            return target
        return _Manager(self.calls, name, target)


class _Manager:
    def __init__(self, calls, name, manager):
        self._calls = calls
        self._name = name
        self._manager = manager

    def __getattr__(self, method):
        function = getattr(self._manager, method)

        def recorded(*args, **kwargs):
            self._calls.append(('%s.%s' % (self._name, method), args,
                                kwargs))
            return function(*args, **kwargs)
        return recorded


def names(calls):
    return [name for name, _, _ in calls]
