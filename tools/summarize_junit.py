"""Print one closing line for all the test runs of tools/test."""

import sys
import xml.etree.ElementTree as ElementTree


def main(paths):
    totals = {'tests': 0, 'failures': 0, 'errors': 0, 'skipped': 0}
    for path in paths:
        for suite in ElementTree.parse(path).getroot().iter('testsuite'):
            for key in totals:
                totals[key] += int(suite.get(key, 0))
    failed = totals['failures'] + totals['errors']
    passed = totals['tests'] - failed - totals['skipped']
    print("%d passed, %d failed, %d skipped"
          % (passed, failed, totals['skipped']))
    return 1 if failed or not totals['tests'] else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
