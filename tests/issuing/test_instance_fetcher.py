"""InstanceFetcher: this instance's status lists and DID documents from the database,
exactly as its views serve them; every other URL through the fallback fetcher."""

from __future__ import annotations

import json

import pytest

from credstack.issuing.instance_fetcher import InstanceFetcher
from credstack.issuing.models import Award
from credstack.standards.errors import FetchError
from credstack.standards.fetch import FetchStatusError, FetchTooLargeError, StaticFetcher
from tests.issuing.award_pages import award_for_bob

ELSEWHERE = "https://elsewhere.example/status/1"


@pytest.fixture
def award(personas, published_definition) -> Award:
    return award_for_bob(personas, published_definition)


@pytest.fixture
def fallback() -> StaticFetcher:
    return StaticFetcher({ELSEWHERE: {"from": "the network"}})


def status_list_url(award: Award) -> str:
    return award.credential["credentialStatus"][0]["statusListCredential"]


def test_it_serves_the_status_list_the_view_serves(client, award, fallback):
    url = status_list_url(award)
    fetched = InstanceFetcher(fallback).get_json(url)
    assert fetched == client.get(url.removeprefix("https://credstack.test")).json()
    assert fallback.requested == []


def test_it_serves_the_did_document_the_view_serves(client, award, fallback):
    url = "https://credstack.test/orgs/uni-a/did.json"
    fetched = InstanceFetcher(fallback).get_json(url + "#key-1")
    assert fetched == client.get("/orgs/uni-a/did.json").json()
    assert fallback.requested == []


def test_bytes_are_the_same_document_and_respect_the_size_cap(award, fallback):
    fetcher = InstanceFetcher(fallback)
    url = status_list_url(award)
    assert json.loads(fetcher.get_bytes(url)) == fetcher.get_json(url)
    with pytest.raises(FetchTooLargeError):
        fetcher.get_bytes(url, max_bytes=100)


def test_a_missing_document_of_this_instance_is_a_404_not_a_network_request(db, fallback):
    fetcher = InstanceFetcher(fallback)
    with pytest.raises(FetchStatusError) as raised:
        fetcher.get_json("https://credstack.test/status/sl_nosuchlist")
    assert raised.value.status == 404
    with pytest.raises(FetchStatusError):
        fetcher.get_json("https://credstack.test/orgs/nobody/did.json")
    assert fallback.requested == []


@pytest.mark.parametrize(
    "url",
    [
        ELSEWHERE,
        "http://credstack.test/status/sl_x",  # another scheme is another origin
        "https://credstack.test.evil.example/status/sl_x",
        "https://credstack.test/c/awd_x/png",  # this instance, but not a document it keeps
    ],
)
def test_other_urls_go_to_the_fallback(db, fallback, url):
    fetcher = InstanceFetcher(fallback)
    if url == ELSEWHERE:
        assert fetcher.get_json(url) == {"from": "the network"}
    else:
        with pytest.raises(FetchError):
            fetcher.get_json(url)
    assert fallback.requested == [url]


def test_a_base_url_with_a_path_is_honoured(settings, award, fallback):
    settings.CREDSTACK_BASE_URL = "https://example.edu/credstack"
    fetcher = InstanceFetcher(fallback)
    with pytest.raises(FetchStatusError):
        fetcher.get_json("https://example.edu/credstack/status/sl_nosuchlist")
    with pytest.raises(FetchError):
        fetcher.get_json("https://example.edu/status/sl_nosuchlist")
    assert fallback.requested == ["https://example.edu/status/sl_nosuchlist"]


def test_it_serves_an_award_json_download_from_the_database(client, award, fallback):
    url = f"https://credstack.test/c/{award.public_id}/json"
    assert InstanceFetcher(fallback).get_json(url) == award.credential
    assert json.loads(client.get(f"/c/{award.public_id}/json").content) == award.credential
    with pytest.raises(FetchStatusError) as raised:
        InstanceFetcher(fallback).get_json("https://credstack.test/c/awd_nosuchaward/json")
    assert raised.value.status == 404
    assert fallback.requested == []
