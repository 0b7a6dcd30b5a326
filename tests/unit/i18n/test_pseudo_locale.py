"""The pseudo-locale check itself: it must see text that skipped
translation, and only that."""

from django.template import engines
from django.utils.translation import gettext_lazy as _

from tests import pseudo_locale


def rendered(template, **context):
    with pseudo_locale.active():
        return engines['django'].from_string(
            '{% load i18n %}' + template).render(context)


def test_translated_text_in_python_and_templates_is_wrapped():
    with pseudo_locale.active():
        assert str(_('Protect Volumes')) == '\u27e6Protect Volumes\u27e7'
    assert str(_('Protect Volumes')) == 'Protect Volumes'
    assert pseudo_locale.unmarked(rendered(
        '<p>{% trans "Protect Volumes" %}</p>'
        '<p>{% blocktrans count n=2 %}{{ n }} volume{% plural %}'
        '{{ n }} volumes{% endblocktrans %}</p>')) == []


def test_unmarked_text_and_attributes_are_found():
    html = rendered('<p title="Hover text">{% trans "Name" %}</p>'
                    '<p>Status</p><input type="submit" value="Go">')
    assert pseudo_locale.unmarked(html) == ['Hover text', 'Status', 'Go']


def test_a_translated_sentence_may_span_elements():
    html = rendered('<p>{% blocktrans %}See <a href="/x">the list</a> '
                    'first.{% endblocktrans %}</p>')
    assert pseudo_locale.unmarked(html) == []


def test_data_and_scripts_are_not_ours():
    html = rendered('<p>{{ name }}: {% trans "available" %}</p>'
                    '<script>var text = "Not shown";</script>',
                    name='db-backup 2026')
    assert pseudo_locale.unmarked(html) == ['db-backup 2026:']
    assert pseudo_locale.unmarked(html, data={'db-backup 2026'}) == []


def test_a_quote_that_ends_an_attribute_early_is_found():
    html = rendered('<span title="{{ help|safe }}">?</span>',
                    help='For example "30 1 * * *".')
    assert pseudo_locale.unmarked(html, data={'For example'})
