"""Facet rules a buyer can trust: certifications that include others, "any of" or "all of" the
ticks, zeros that stay visible once a facet is in use, and a zero-results page that names the
one filter to drop."""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clusters.models import Capability, Certification
from members import services
from members.models import Company
from members.search.engine import SearchResult, run_search
from members.search.forms import SearchParams
from members.search.index import current_snapshot
from tests.factories import (
    CertificationFactory,
    CompanyCertificationFactory,
    CompanyFactory,
    CompanyFrameworkFactory,
    FrameworkFactory,
)
from tests.forms_as_sent import form_as_sent
from tests.oracle import oracle_ids
from tests.search_data import SearchWorld, build_search_world, search

pytestmark = pytest.mark.django_db


@dataclass
class Certs:
    ce: Certification
    ce_plus: Certification
    iso: Certification
    crest: Certification


@pytest.fixture
def world(db: None) -> SearchWorld:
    return build_search_world()


@pytest.fixture
def certs(world: SearchWorld) -> Certs:
    """soc: CE+ and ISO; trainer: CE; name_match: ISO; responder: a lapsed CE+; CREST: nobody."""
    ce = CertificationFactory(name="Cyber Essentials", slug="cyber-essentials")
    ce_plus = CertificationFactory(name="Cyber Essentials Plus", slug="cyber-essentials-plus")
    iso = CertificationFactory(name="ISO/IEC 27001", slug="iso-27001")
    crest = CertificationFactory(name="CREST", slug="crest")
    services.certification_inclusions_set(certification=ce_plus, includes=[ce])
    companies = world.companies
    CompanyCertificationFactory(company=companies["soc"], certification=ce_plus)
    CompanyCertificationFactory(company=companies["soc"], certification=iso)
    CompanyCertificationFactory(company=companies["trainer"], certification=ce)
    CompanyCertificationFactory(company=companies["name_match"], certification=iso)
    CompanyCertificationFactory(
        company=companies["responder"],
        certification=ce_plus,
        valid_until=timezone.localdate() - datetime.timedelta(days=1),
    )
    return Certs(ce, ce_plus, iso, crest)


def run(all_of: tuple[str, ...] = (), text: str = "", **selected: list[str]) -> SearchResult:
    return run_search(SearchParams(text=text, selected=selected, all_of=frozenset(all_of)))


def names(result: SearchResult) -> set[str]:
    return set(
        Company.objects.filter(pk__in=result.page_ids(0, 500)).values_list("name", flat=True)
    )


def counts(result: SearchResult, param: str) -> dict[str, int]:
    return result.facet_counts[param]


def facet(result: SearchResult, param: str) -> Any:
    return next(view for view in result.facets if view.param == param)


def html_of(client: Client, query: str) -> str:
    response = client.get(f"/companies/?{query}")
    assert response.status_code == 200
    return response.content.decode()


def count_on_page(html: str) -> int:
    found = re.search(r'id="result-count" role="status">(\d+) compan', html)
    assert found, "no result count"
    return int(found.group(1))


def admin_change_url(certification: Certification) -> str:
    return reverse("admin:clusters_certification_change", args=[certification.pk])


# Certifications that include others ---------------------------------------------------------


def test_a_holder_of_an_including_certification_is_found_under_the_included_one(
    world: SearchWorld, certs: Certs
) -> None:
    result = search(certification=["cyber-essentials"])
    assert names(result) == {"Watchtower Example", "Loch Learning Example"}
    # CE counts its own holder and the current CE+ holder; the lapsed CE+ counts for neither.
    assert counts(search(), "certification") == {
        "cyber-essentials": 2,
        "cyber-essentials-plus": 1,
        "iso-27001": 2,
    }


def test_inclusion_does_not_work_backwards(world: SearchWorld, certs: Certs) -> None:
    assert names(search(certification=["cyber-essentials-plus"])) == {"Watchtower Example"}


def test_a_deactivated_including_certification_gives_nothing_and_returns_when_reactivated(
    world: SearchWorld, certs: Certs
) -> None:
    current_snapshot()  # built before the changes, so that they are patched in
    certs.ce_plus.is_active = False
    services.taxonomy_item_save(item=certs.ce_plus)
    assert names(search(certification=["cyber-essentials"])) == {"Loch Learning Example"}
    certs.ce_plus.is_active = True
    services.taxonomy_item_save(item=certs.ce_plus)
    assert len(names(search(certification=["cyber-essentials"]))) == 2


def test_a_reactivated_included_certification_finds_the_holders_of_those_including_it(
    world: SearchWorld, certs: Certs
) -> None:
    current_snapshot()
    certs.ce.is_active = False
    services.taxonomy_item_save(item=certs.ce)
    assert "cyber-essentials" not in counts(search(), "certification")  # patched in: no option
    certs.ce.is_active = True
    services.taxonomy_item_save(item=certs.ce)
    assert names(search(certification=["cyber-essentials"])) == {
        "Watchtower Example",
        "Loch Learning Example",
    }


def test_inclusion_carries_on_through_an_included_certification(world: SearchWorld) -> None:
    basic, middle, top = (CertificationFactory(slug=s) for s in ("basic", "middle", "top"))
    services.certification_inclusions_set(certification=top, includes=[middle])
    services.certification_inclusions_set(certification=middle, includes=[basic])
    CompanyCertificationFactory(company=world.companies["cables"], certification=top)
    assert names(search(certification=["basic"])) == {"Strath Fibre Example"}
    assert set(Certification.objects.satisfied_by([top])) == {top, middle, basic}
    assert set(Certification.objects.satisfying([basic])) == {basic, middle, top}
    assert set(Certification.objects.satisfying([top])) == {top}


def test_certifications_that_include_each_other_are_both_found_and_both_said(
    world: SearchWorld,
) -> None:
    old = CertificationFactory(name="Scheme 2019", slug="scheme-2019")
    new = CertificationFactory(name="Scheme 2019 renamed", slug="scheme-renamed")
    services.certification_inclusions_set(certification=old, includes=[new])
    services.certification_inclusions_set(certification=new, includes=[old])
    CompanyCertificationFactory(company=world.companies["cables"], certification=old)
    assert names(search(certification=["scheme-renamed"])) == {"Strath Fibre Example"}
    assert set(Certification.objects.satisfied_by([old])) == {old, new}


def test_a_certification_cannot_include_itself(world: SearchWorld, certs: Certs) -> None:
    with pytest.raises(ValidationError):
        services.certification_inclusions_set(certification=certs.ce, includes=[certs.ce])
    assert not certs.ce.satisfies.exists()


def test_inclusions_declared_in_the_admin_move_the_counts_at_once(
    staff_client: Client, world: SearchWorld, certs: Certs
) -> None:
    services.certification_inclusions_set(certification=certs.ce_plus, includes=[])
    assert counts(search(), "certification")["cyber-essentials"] == 1  # built here, then patched
    url = admin_change_url(certs.ce_plus)
    data = form_as_sent(staff_client.get(url).content.decode())
    data["satisfies"] = [str(certs.ce.pk)]
    response = staff_client.post(url, data | {"_save": "Save"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(certs.ce_plus.satisfies.all()) == [certs.ce]
    assert counts(search(), "certification")["cyber-essentials"] == 2

    data.pop("satisfies")
    assert staff_client.post(url, data | {"_save": "Save"}).status_code == 302
    assert counts(search(), "certification")["cyber-essentials"] == 1


def test_a_certification_added_in_the_admin_keeps_its_inclusions(
    staff_client: Client, certs: Certs
) -> None:
    url = reverse("admin:clusters_certification_add")
    data = form_as_sent(staff_client.get(url).content.decode())
    data |= {"name": "Cyber Essentials Plus Extra", "slug": "ce-plus-extra", "_save": "Save"}
    data["satisfies"] = [str(certs.ce_plus.pk)]
    assert staff_client.post(url, data).status_code == 302
    added = Certification.objects.get(slug="ce-plus-extra")
    assert set(Certification.objects.satisfied_by([added])) == {added, certs.ce_plus, certs.ce}


def test_the_admin_offers_no_certification_as_its_own_inclusion(
    staff_client: Client, certs: Certs
) -> None:
    url = admin_change_url(certs.ce)
    html = staff_client.get(url).content.decode()
    offered = re.search(r'<select name="satisfies".*?</select>', html, re.S)
    assert offered and f'value="{certs.ce_plus.pk}"' in offered.group(0)
    assert f'value="{certs.ce.pk}"' not in offered.group(0)
    data = form_as_sent(html) | {"satisfies": [str(certs.ce.pk)], "_save": "Save"}
    response = staff_client.post(url, data)
    assert response.status_code == 200  # the form again, with the error
    assert "Select a valid choice" in response.content.decode()
    assert not certs.ce.satisfies.exists()


def test_the_profile_says_what_a_certification_includes(
    client: Client, world: SearchWorld, certs: Certs
) -> None:
    html = client.get(world.companies["soc"].get_absolute_url()).content.decode()
    assert (
        '<h3>Cyber Essentials Plus <span class="record-list__includes">'
        "(includes Cyber Essentials)</span></h3>"
    ) in html
    assert "<h3>ISO/IEC 27001</h3>" in html


def test_a_card_says_an_included_certification_once_inside_the_one_including_it(
    client: Client, world: SearchWorld, certs: Certs
) -> None:
    html = html_of(client, "certification=cyber-essentials")
    assert (
        "<dt>Certifications</dt><dd>Cyber Essentials Plus (includes Cyber Essentials), "
        "ISO/IEC 27001</dd>"
    ) in html
    assert "<dt>Certifications</dt><dd>Cyber Essentials</dd>" in html  # the trainer's own


def test_the_export_says_what_a_certification_includes(
    client: Client, world: SearchWorld, certs: Certs
) -> None:
    response = client.get("/companies/export.csv", {"certification": "cyber-essentials"})
    text = b"".join(response.streaming_content).decode("utf-8")  # type: ignore[attr-defined]
    lines = text.lstrip("\ufeff").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Name,"))
    rows = {row["Name"]: row for row in csv.DictReader(io.StringIO("\n".join(lines[start:])))}
    cell = rows["Watchtower Example"]["Current certifications (valid until)"]
    assert re.fullmatch(
        r"Cyber Essentials Plus \(\d{4}-\d\d-\d\d, includes Cyber Essentials\); "
        r"ISO/IEC 27001 \(\d{4}-\d\d-\d\d\)",
        cell,
    ), cell
    assert set(rows) == {"Watchtower Example", "Loch Learning Example"}


def test_the_certification_facet_explains_the_inclusion(
    client: Client, world: SearchWorld, certs: Certs
) -> None:
    html = html_of(client, "")
    assert (
        "Cyber Essentials Plus includes Cyber Essentials, so its holders are counted under both."
    ) in html


def test_loading_the_reference_data_declares_inclusions_for_the_rows_it_creates() -> None:
    services.taxonomy_load()
    plus = Certification.objects.get(slug="cyber-essentials-plus")
    assert [c.slug for c in plus.satisfies.all()] == ["cyber-essentials"]
    # Staff removed it; a second load leaves the existing row as staff keep it.
    services.certification_inclusions_set(certification=plus, includes=[])
    services.taxonomy_load()
    assert not plus.satisfies.exists()


# Any of, or all of, the ticks -----------------------------------------------------------------


def test_all_of_finds_only_companies_holding_every_ticked_certification(
    world: SearchWorld, certs: Certs
) -> None:
    ticked = {"certification": ["cyber-essentials", "iso-27001"]}
    assert len(names(run(**ticked))) == 3
    assert names(run(("certification",), **ticked)) == {"Watchtower Example"}


def test_all_of_finds_only_companies_with_every_ticked_capability(world: SearchWorld) -> None:
    incident = Capability.objects.get(slug="incident-response")
    CompanyFactory(name="Both Example", capabilities=[world.pen_testing, incident])
    ticked = {"capability": ["penetration-testing", "incident-response"]}
    assert names(run(("capability",), **ticked)) == {"Both Example"}
    assert len(names(run(**ticked))) == 6


def test_counts_in_all_of_say_what_adding_each_option_would_leave(
    world: SearchWorld, certs: Certs
) -> None:
    result = run(("certification",), certification=["cyber-essentials"])
    # A ticked option shows the results (2); an unticked one, those that also hold it.
    assert counts(result, "certification") == {
        "cyber-essentials": 2,
        "cyber-essentials-plus": 1,
        "iso-27001": 1,
    }
    assert result.total == 2


def test_a_search_in_all_of_agrees_with_plain_sql(world: SearchWorld, certs: Certs) -> None:
    incident = Capability.objects.get(slug="incident-response")
    services.company_save(
        company=world.companies["soc"], capabilities=[world.pen_testing, incident]
    )
    choices: dict[str, list[list[str]]] = {
        "certification": [
            [],
            ["cyber-essentials"],
            ["cyber-essentials", "iso-27001"],
            ["cyber-essentials-plus", "crest"],
        ],
        "certification_mode": [[], ["all"]],
        "capability": [[], ["penetration-testing", incident.slug]],
        "capability_mode": [[], ["all"]],
        "region": [[], ["glasgow"]],
    }
    for combo in itertools.product(*choices.values()):
        selected = {k: v for k, v in zip(choices, combo, strict=True) if v}
        all_of = tuple(k.removesuffix("_mode") for k in selected if k.endswith("_mode"))
        facets = {k: v for k, v in selected.items() if not k.endswith("_mode")}
        index_ids = {int(pk) for pk in run(all_of, **facets).ordered_ids}
        assert index_ids == oracle_ids(selected), selected


def test_the_page_reads_the_mode_and_keeps_it_in_its_links(
    client: Client, world: SearchWorld, certs: Certs
) -> None:
    query = "certification=cyber-essentials&certification=iso-27001&certification_mode=all"
    html = html_of(client, query)
    assert count_on_page(html) == 1
    assert '<input type="checkbox" name="certification_mode" value="all" checked>' in html
    # Removing one certification keeps "all"; the mode's own tag removes just the mode.
    assert 'href="?certification=iso-27001&amp;certification_mode=all"' in html
    assert (
        'href="?certification=cyber-essentials&amp;certification=iso-27001"><span '
        'class="visually-hidden">Remove filter </span><span class="remove-tag__facet">'
        "Certification:</span> must have all selected</a>"
    ) in html
    export = client.get(f"/companies/export.csv?{query}")
    text = b"".join(export.streaming_content).decode()  # type: ignore[attr-defined]
    assert "Certification: Cyber Essentials and ISO/IEC 27001" in text


@pytest.mark.parametrize("value", ["every", "ALL", "", "\x00", "all\x00x"])
def test_an_unknown_mode_is_ignored_as_any_of(
    client: Client, world: SearchWorld, certs: Certs, value: str
) -> None:
    response = client.get(
        "/companies/",
        {"certification": ["cyber-essentials", "iso-27001"], "capability_mode": value}
        | {"certification_mode": value},
    )
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 3
    html = response.content.decode()
    if value.strip("\x00"):
        assert "We ignored the certification matching" in html
        assert "We ignored the capability matching" in html
    assert "certification_mode" not in response.context["search"].query_string


def test_an_explicit_any_of_is_the_default_and_not_repeated_in_links(
    client: Client, world: SearchWorld, certs: Certs
) -> None:
    response = client.get(
        "/companies/", {"certification": "cyber-essentials", "certification_mode": "any"}
    )
    assert response.context["page_obj"].paginator.count == 2
    assert response.context["search"].query_string == "certification=cyber-essentials"


# What the facets say -------------------------------------------------------------------------


def test_every_facet_says_that_its_ticks_mean_any_of(client: Client, world: SearchWorld) -> None:
    html = html_of(client, "")
    for param in ("cluster", "region", "size", "capability"):
        fieldset = re.search(
            rf'<details class="facet" id="facet-{param}".*?<fieldset aria-describedby="([^"]+)"',
            html,
            re.S,
        )
        assert fieldset, param
        rule_id = fieldset.group(1).split()[0]
        rule = re.search(rf'<p class="facet__rule hint" id="{rule_id}">([^<]+)</p>', html)
        assert rule and "any of them" in rule.group(1), param


def test_only_capabilities_and_certifications_offer_all_of(
    client: Client, world: SearchWorld, certs: Certs
) -> None:
    html = html_of(client, "")
    offered = re.findall(r'name="(\w+_mode)" value="all"', html)
    assert sorted(offered) == ["capability_mode", "certification_mode"]
    assert "Must have all selected" in html


def test_a_facet_in_use_shows_its_zero_options_and_never_vanishes(
    client: Client, world: SearchWorld
) -> None:
    used, unused = FrameworkFactory(slug="g-cloud"), FrameworkFactory(slug="dos")
    CompanyFrameworkFactory(company=world.companies["trainer"], framework=used)
    result = search(region=["fife"], framework=["g-cloud"])
    frameworks = facet(result, "framework")
    assert frameworks.shown
    assert {o.key: (o.count, o.shown) for o in frameworks.options} == {
        "g-cloud": (0, True),
        "dos": (0, True),
    }
    html = html_of(client, "region=fife&framework=g-cloud")
    assert f'<label><input type="checkbox" name="framework" value="{unused.slug}"> ' in html
    assert re.search(rf'value="{unused.slug}"> [^<]+ <small>\(0\)</small></label>', html)
    assert '<details class="facet" id="facet-framework" open>' in html


def test_a_facet_not_in_use_still_hides_options_that_find_nothing(
    client: Client, world: SearchWorld
) -> None:
    FrameworkFactory(slug="g-cloud")
    CompanyFrameworkFactory(company=world.companies["trainer"], framework=FrameworkFactory())
    html = html_of(client, "region=fife")
    assert '<label hidden><input type="checkbox" name="framework" value="g-cloud">' in html
    assert '<details class="facet" id="facet-framework" hidden>' in html


# Nothing found: which one filter to drop ------------------------------------------------------


def test_zero_results_name_each_filter_whose_removal_finds_companies(world: SearchWorld) -> None:
    result = search(cluster=["cyber-security"], region=["fife"], capability=["penetration-testing"])
    assert result.total == 0
    assert [(r.label, r.count, r.query) for r in result.relaxations] == [
        (
            "Remove Capability: Penetration testing",
            2,
            "cluster=cyber-security&region=fife",
        ),
        (
            "Remove Region: Fife",
            1,
            "cluster=cyber-security&capability=penetration-testing",
        ),
    ]  # removing the cluster still finds nothing, so it is not offered


def test_the_zero_results_page_links_each_removal_with_its_count(
    client: Client, world: SearchWorld
) -> None:
    html = html_of(client, "cluster=cyber-security&region=fife&capability=penetration-testing")
    assert count_on_page(html) == 0
    links = re.findall(r'<li><a href="\?([^"]*)">(Remove [^<]+)</a></li>', html)
    assert links == [
        (
            "cluster=cyber-security&amp;region=fife",
            "Remove Capability: Penetration testing \u2013 2 companies",
        ),
        (
            "cluster=cyber-security&amp;capability=penetration-testing",
            "Remove Region: Fife \u2013 1 company",
        ),
    ]
    for query, label in links:
        followed = html_of(client, query.replace("&amp;", "&"))
        assert count_on_page(followed) == int(re.search(r"\u2013 (\d+)", label).group(1))  # type: ignore[union-attr]


def test_zero_results_in_all_of_offer_each_tick_and_any_of(
    world: SearchWorld, certs: Certs
) -> None:
    result = run(("certification",), certification=["cyber-essentials", "iso-27001", "crest"])
    assert result.total == 0
    assert [(r.label, r.count) for r in result.relaxations] == [
        ("Accept any ticked certification, not all of them", 3),
        ("Remove Certification: CREST", 1),
    ]
    assert result.relaxations[0].query == (
        "certification=cyber-essentials&certification=iso-27001&certification=crest"
    )


def test_zero_results_offer_dropping_the_keywords_and_the_letter(world: SearchWorld) -> None:
    result = run(text="offices", region=["glasgow"])  # only Fare Systems, in Fife, says it
    assert result.total == 0
    assert [(r.label, r.count, r.query) for r in result.relaxations] == [
        ("Remove keywords \u201coffices\u201d", 4, "region=glasgow"),
        ("Remove Region: Glasgow City", 1, "q=offices"),
    ]
    lettered = run_search(SearchParams(letter="Q", selected={"region": ["glasgow"]}))
    assert [(r.label, r.count, r.query) for r in lettered.relaxations] == [
        ("Remove Name starts with: Q", 4, "region=glasgow")
    ]


def test_a_facet_with_several_ticks_in_any_of_is_offered_whole(world: SearchWorld) -> None:
    result = search(
        region=["glasgow", "fife"],
        capability=["account-based-ticketing"],
        cluster=["cyber-security"],
    )
    assert result.total == 0
    assert [(r.label, r.count) for r in result.relaxations] == [
        ("Remove Capability: Account-based ticketing", 5),
        ("Remove Cluster: Cyber Security", 1),
    ]  # unticking Glasgow or Fife alone can only find fewer: not offered


def test_finding_the_filters_to_drop_costs_no_query(
    world: SearchWorld, certs: Certs, django_assert_num_queries: Any
) -> None:
    snapshot = current_snapshot()
    params = SearchParams(
        selected={
            "certification": ["cyber-essentials", "iso-27001", "crest"],
            "region": ["glasgow"],
        },
        letter="W",
        all_of=frozenset({"certification"}),
    )
    with django_assert_num_queries(0):
        result = run_search(params, snapshot)
    assert result.total == 0
    assert [(r.label, r.count) for r in result.relaxations] == [
        ("Remove Certification: CREST", 1),
        ("Accept any ticked certification, not all of them", 1),
    ]


def test_the_htmx_update_carries_the_zero_results_advice(
    client: Client, world: SearchWorld
) -> None:
    response = client.get(
        "/companies/?cluster=cyber-security&region=fife&capability=penetration-testing",
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert 'id="facet-counts"' in html  # the partial, not the page
    assert "Remove Capability: Penetration testing \u2013 2 companies" in html
