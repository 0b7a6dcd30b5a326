"""Horizon in this process, through Django's test client: log in through
the real login form (CSRF enforced), act as the browser would. Needs
Django set up with the dev settings."""

from django.contrib import auth
from django.test import Client
from django.test import RequestFactory

from tools.devkit import identities
from tools.devkit import page_parser


class LoginFailed(AssertionError):
    """Horizon refused the login or landed it in another project."""


def login(username, client=None):
    """A Django test client logged in as ``username``, in its project;
    ``client.landing`` is the page the login landed on."""
    client = client or Client(enforce_csrf_checks=True)
    page = client.get(page_parser.LOGIN)
    if page.status_code != 200:
        raise LoginFailed('login page: HTTP %s' % page.status_code)
    form = page_parser.login_form(page.content.decode(), username)
    response = client.post(page_parser.LOGIN, form, follow=True)
    if response.status_code != 200:
        raise LoginFailed('login as %s: HTTP %s' % (username,
                                                    response.status_code))
    client.landing = response
    project = request_for(client).user.project_name
    if project != identities.PROJECT_OF[username]:
        raise LoginFailed('%s landed in project %s' % (username, project))
    return client


def request_for(client, path='/'):
    """A request carrying the logged-in user of ``client``'s session."""
    request = RequestFactory().get(path)
    request.session = client.session
    request.user = auth.get_user(request)
    if not request.user.is_authenticated:
        raise LoginFailed('not logged in')
    return request


def post(client, url, data, **extra):
    """POST as the browser does, with the CSRF token from the cookie."""
    token = client.cookies['csrftoken'].value
    return client.post(url, data, HTTP_X_CSRFTOKEN=token, **extra)
