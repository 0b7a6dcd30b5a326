"""The protect form in a real browser: each volume's checkbox stays beside
its label, even an in-use volume's long one."""

import os

from playwright.sync_api import expect
import pytest

from tests.integration.test_browser import SCREENSHOTS
from tests.integration.test_browser import browser  # noqa: F401 (fixture)
from tests.integration.test_browser import logged_in_page
from tests.integration.test_browser import server  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser


def test_in_use_volume_checkbox_stays_beside_its_label(
        browser, server, in_use_volume):  # noqa: F811
    page = logged_in_page(browser, server, 'demo')
    page.click('#protected_snapshots__action_protect')
    form = page.locator('form.volsnap-protect-form')
    checkbox = form.locator('input[type=checkbox][value="%s"]'
                            % in_use_volume.id)
    expect(checkbox).to_be_visible()
    label = form.locator('label[for="%s"]' % checkbox.get_attribute('id'))
    expect(label).to_contain_text('in-use')
    page.screenshot(path=os.path.join(SCREENSHOTS, 'protect-in-use.png'))

    box = checkbox.bounding_box()
    text = label.bounding_box()
    # Beside: the label starts right of the box, on the box's line.
    assert text['x'] >= box['x'] + box['width'], (box, text)
    assert text['y'] < box['y'] + box['height'], (box, text)
    # The long label wraps in its own column instead of under the box.
    assert text['height'] > box['height'] * 1.5, (box, text)
