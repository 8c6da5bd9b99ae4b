"""`newsstance serve` (issue 17): each endpoint, each kind of bad input, overload, and concurrency."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from service_server import running

from newsstance.service.app import ServiceSettings

ARTICLE = ("Iran denies selling drones to Russia. \"We did not sell any weapons,\" the minister said. "
           "\"These stories are invented.\"\n\nThe ministry said it would respond. He added that talks continue.")


@pytest.fixture(scope="module")
def service(tiny_model):
    with running(tiny_model) as (url, app):
        yield url, app


def test_health_and_model_description(service, tiny_model):
    url, _ = service
    assert httpx.get(f"{url}/healthz").json()["status"] == "ok"
    card = httpx.get(f"{url}/v1/model").json()
    assert card["labels"] == list(tiny_model.labels) and card["precision"] == tiny_model.precision
    assert card["name"] == "test" and "encoder" in card and "reads_context" in card


def test_analyze_gives_exactly_what_the_library_gives_plus_who_said_what(service, tiny_model):
    url, _ = service
    body = httpx.post(f"{url}/v1/analyze", json={"text": ARTICLE}).json()
    assert body["sentences"] == tiny_model.analyze(ARTICLE)
    assert body["text"] == ARTICLE and body["offsets_into"] == "text"
    for source in body["sources"]:
        assert {x["index"] for x in source["sentences"]} <= set(range(len(body["sentences"])))


def test_analyze_reduces_html_and_says_what_offsets_index(service):
    url, _ = service
    page = "<html><body><p>Iran denies it.</p><p>Rain.</p></body></html>"
    body = httpx.post(f"{url}/v1/analyze", json={"text": page}).json()
    assert body["offsets_into"] == "extracted_text"
    assert [body["text"][r["start"] : r["end"]] for r in body["sentences"]] == ["Iran denies it.", "Rain."]


def test_predict_takes_strings_or_sentences_with_context(service, tiny_model):
    url, _ = service
    sentences = ["Iran denies selling drones.", {"text": "He said so.", "prev": "Iran denies it.", "next": ""}]
    body = httpx.post(f"{url}/v1/predict", json={"sentences": sentences}).json()
    expected = tiny_model.spans(["Iran denies selling drones.", "He said so."], ["", "Iran denies it."], ["", ""])
    assert [{k: v for k, v in r.items() if k != "text"} for r in body["results"]] == expected


def test_a_lede_model_is_served_each_sentence_with_the_articles_first_sentence(lede_model):
    article = "Singer is NOT dead. His agent denied the report."
    with running(lede_model) as (url, _):
        assert httpx.get(f"{url}/v1/model").json()["reads_lede"] is True
        analyzed = httpx.post(f"{url}/v1/analyze", json={"text": article}).json()["sentences"]
        first = "Singer is NOT dead."
        sentence = {"text": "His agent denied the report.", "prev": first, "lede": first}
        predicted = httpx.post(f"{url}/v1/predict", json={"sentences": [sentence]}).json()["results"]
    assert [r["scores"] for r in analyzed] == [r["scores"] for r in lede_model.analyze(article)]
    assert predicted[0]["scores"] == analyzed[1]["scores"]


@pytest.mark.parametrize(("payload", "field"), [
    ({}, "text"),                               # missing field
    ({"text": 123}, "text"),                    # not text
    ({"text": "x", "colour": "red"}, "colour"),  # unknown field
])
def test_wrong_fields_are_422_naming_the_field(service, payload, field):
    url, _ = service
    response = httpx.post(f"{url}/v1/analyze", json=payload)
    assert response.status_code == 422 and field in response.json()["error"]


def test_invalid_json_and_wrong_sentence_types_are_422(service):
    url, _ = service
    response = httpx.post(f"{url}/v1/analyze", content=b'{"text": "unterminated',
                          headers={"content-type": "application/json"})
    assert response.status_code == 422 and "JSON" in response.json()["error"]
    response = httpx.post(f"{url}/v1/predict", json={"sentences": [1, 2]})
    assert response.status_code == 422 and "sentences" in response.json()["error"]


def test_a_body_over_the_limit_is_413(tiny_model):
    with running(tiny_model, ServiceSettings(max_body_bytes=1000)) as (url, _):
        response = httpx.post(f"{url}/v1/analyze", json={"text": "word " * 1000})
        assert response.status_code == 413 and "limit of 1000 bytes" in response.json()["error"]
        chunked = httpx.post(f"{url}/v1/analyze", content=iter([b'{"text": "', b"x" * 2000, b'"}']),
                             headers={"content-type": "application/json"})  # no Content-Length: counted as read
        assert chunked.status_code == 413


def test_more_queued_work_than_the_bound_is_503_with_retry_after(tiny_model):
    release = threading.Event()

    class SlowModel:  # the real model, held back until the queue has filled
        def __getattr__(self, name):
            return getattr(tiny_model, name)

        def spans(self, *args):
            release.wait(20)
            return tiny_model.spans(*args)

    settings = ServiceSettings(max_queued_sentences=3, batch_wait_ms=1.0)
    with running(SlowModel(), settings) as (url, _), ThreadPoolExecutor(4) as pool:
        first = pool.submit(httpx.post, f"{url}/v1/predict", json={"sentences": ["One.", "Two."]}, timeout=30)
        second = pool.submit(httpx.post, f"{url}/v1/predict", json={"sentences": ["Three."]}, timeout=30)
        threading.Event().wait(0.5)  # both queued behind the held call
        refused = httpx.post(f"{url}/v1/predict", json={"sentences": ["Four.", "Five."]})
        release.set()
        assert refused.status_code == 503 and int(refused.headers["retry-after"]) >= 1
        assert first.result().status_code == 200 and second.result().status_code == 200


def test_simultaneous_requests_share_model_calls_and_match_serial_results(service, tiny_model):
    url, app = service
    articles = [f"Official {i} denies the report. \"It is false,\" she said. Rain fell on day {i}." for i in range(24)]
    calls_before = app.state.batcher.calls
    with ThreadPoolExecutor(24) as pool:
        bodies = list(pool.map(lambda a: httpx.post(f"{url}/v1/analyze", json={"text": a}, timeout=60).json(),
                               articles))
    assert [b["sentences"] for b in bodies] == [tiny_model.analyze(a) for a in articles]
    assert app.state.batcher.calls - calls_before < len(articles)  # requests arriving together were batched


def test_the_page_and_the_offline_docs_are_served(service):
    url, _ = service
    page = httpx.get(f"{url}/")
    assert page.status_code == 200 and 'id="analyze"' in page.text
    docs = httpx.get(f"{url}/docs").text
    assert "swagger" in docs.lower() and "cdn" not in docs.lower()
    assert httpx.get(f"{url}/openapi.json").json()["paths"].keys() >= {"/v1/analyze", "/v1/predict", "/v1/model"}
