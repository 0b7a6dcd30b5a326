"""Log in to Horizon through its real login form."""

from html.parser import HTMLParser

from django.contrib import auth
from django.test import Client
from django.test import RequestFactory

from tests.integration import cloud


class _FormInputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.values = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == 'input' and attrs.get('name'):
            self.values[attrs['name']] = attrs.get('value') or ''
        elif tag == 'option' and 'selected' in attrs:
            self.values.setdefault('region', attrs.get('value'))


def login(username, client=None):
    """A Django test client logged in as ``username``; CSRF enforced."""
    client = client or Client(enforce_csrf_checks=True)
    page = client.get('/auth/login/')
    assert page.status_code == 200, page.status_code
    inputs = _FormInputs()
    inputs.feed(page.content.decode())
    form = dict(inputs.values, username=username,
                password=cloud.password(username))
    response = client.post('/auth/login/', form, follow=True)
    assert response.status_code == 200, response.status_code
    client.landing = response
    project = request_for(client).user.project_name
    assert project == cloud.PROJECT_OF[username], (username, project)
    return client


def request_for(client, path='/'):
    """A request carrying the logged-in user of ``client``'s session."""
    request = RequestFactory().get(path)
    request.session = client.session
    request.user = auth.get_user(request)
    assert request.user.is_authenticated, 'not logged in'
    return request


def post(client, url, data, **extra):
    """POST as the browser does, with the CSRF token from the cookie."""
    token = client.cookies['csrftoken'].value
    return client.post(url, data, HTTP_X_CSRFTOKEN=token, **extra)
