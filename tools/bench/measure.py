"""Timed page loads of Horizon in this process (``django.test.Client``)."""

import re
import statistics
import time

from django.test import override_settings

from tools.bench import http_counter

ROW = re.compile(rb'<tr\b[^>]*\bdata-object-id=')
ERROR_MESSAGE = re.compile(
    rb'class="alert alert-danger alert-dismissable[^"]*">.*?'
    rb'<strong>[^<]*</strong>([^<]*)', re.S)


def _warm_up(client, path):
    """None if the page answers 200, else why it is not available."""
    try:
        response = client.get(path)
    except Exception as exc:  # noqa: B902 - reported, not fatal
        return '%s: %s' % (type(exc).__name__, exc)
    return None if response.status_code == 200 else \
        'HTTP %s' % response.status_code


def _result(path, page_size, times, per_load, response, calls):
    result = {
        'path': path, 'page_size': page_size,
        'rows': len(ROW.findall(response.content)),
        'error_message': b' '.join(
            ERROR_MESSAGE.findall(response.content)).decode().strip(),
        'calls': [http_counter.call_template(*call) for call in calls],
        'median_ms': statistics.median(times) * 1000,
        'best_ms': min(times) * 1000,
    }
    for key in http_counter.COUNTS:
        values = sorted(load[key] for load in per_load)
        result[key] = statistics.median(values)
        result[key + '_range'] = (values[0], values[-1])
    return result


def measure(pages, loads, page_size, counter):
    """One warm-up load of each page, then ``loads`` rounds of one timed
    load of each page in turn (so that what else runs on the machine
    weighs on every page alike). ``pages``: (client, path) pairs (a path
    may come twice, with clients in different sessions); returns one
    result dict per page."""
    unavailable = {}
    times = [[] for _ in pages]
    per_load = [[] for _ in pages]
    last = {}
    with override_settings(API_RESULT_PAGE_SIZE=page_size):
        for index, (client, path) in enumerate(pages):
            why = _warm_up(client, path)
            if why:
                unavailable[index] = why
        counter.take()
        for _ in range(loads):
            for index, (client, path) in enumerate(pages):
                if index in unavailable:
                    continue
                started = time.perf_counter()
                response = client.get(path)
                times[index].append(time.perf_counter() - started)
                calls = counter.take()
                per_load[index].append(http_counter.summarize(calls))
                last[index] = (response, calls)
                if response.status_code != 200:
                    unavailable[index] = 'HTTP %s on a timed load' \
                        % response.status_code
    return [{'path': path, 'page_size': page_size,
             'unavailable': unavailable[index]} if index in unavailable
            else _result(path, page_size, times[index], per_load[index],
                         *last[index])
            for index, (_, path) in enumerate(pages)]
