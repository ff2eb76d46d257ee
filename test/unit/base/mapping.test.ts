import { test } from "node:test";
import assert from "node:assert/strict";
import { debianPackageFor, mapRequirements, normalizeName } from "../../../src/base/mapping.ts";
import { baseTag } from "../../../src/base/index.ts";
import { FlaskpackError } from "../../../src/errors.ts";

test("PyPI names map to Debian packages from dh-python's archive map", () => {
  assert.equal(debianPackageFor("Flask"), "python3-flask");
  assert.equal(debianPackageFor("flask_sqlalchemy"), "python3-flask-sqlalchemy");
  assert.equal(debianPackageFor("SQLAlchemy"), "python3-sqlalchemy");
  assert.equal(debianPackageFor("requests"), "python3-requests");
  assert.equal(debianPackageFor("gunicorn"), "gunicorn");
  assert.equal(debianPackageFor("psycopg2-binary"), "python3-psycopg2");
  assert.equal(debianPackageFor("Jinja2"), "python3-jinja2");
});

test("normalizeName follows PEP 503", () => {
  assert.equal(normalizeName("Flask_SQLAlchemy"), "flask-sqlalchemy");
  assert.equal(normalizeName("zope.interface"), "zope-interface");
});

test("an unmapped requirement is named, with pip mode suggested", () => {
  assert.throws(
    () => mapRequirements(["flask", "surely-not-a-debian-package-xyz"]),
    (e: unknown) => e instanceof FlaskpackError && e.code === "UNMAPPED_REQUIREMENT" && /surely-not-a-debian-package-xyz/.test(e.message) && /pip/.test(e.fix ?? ""),
  );
  assert.deepEqual(mapRequirements(["flask", "gunicorn", "Flask"]), ["gunicorn", "python3-flask"]);
});

test("the base tag depends on the package set only, not its order", () => {
  assert.equal(baseTag(["gunicorn", "python3-flask"]).tag, baseTag(["python3-flask", "gunicorn", "gunicorn"]).tag);
  assert.notEqual(baseTag(["python3-flask"]).tag, baseTag(["python3-flask", "gunicorn"]).tag);
  assert.match(baseTag([]).tag, /^flaskpack\/base:[0-9a-f]{12}$/);
  assert.throws(() => baseTag(["bad name; rm -rf /"]), FlaskpackError);
});
