"""Upload -> preview -> review -> confirm, as framework-neutral steps.

The uploaded bytes are stored under a server-made name (``<token>.upload`` in the
upload folder; the user's file name is only displayed) together with a small JSON
state file ``<token>.json`` (owner, program, title, read options, review decisions).
Every step that changes something re-reads and re-matches the stored bytes, so nothing
depends on staged datasets surviving a restart; the preview page's values are kept per
choice as ``<token>.view`` so that page views do not (``view_cache``).

Modules, one per step or concern:

* ``checks``: size, extension and content of the raw file; the title;
* ``state``: ``UploadState``, what is kept about one upload (JSON-able);
* ``folder``: the upload folder (atomic writes, quota, owner checks, cleanup);
* ``start``: ``start_upload``, only a readable file is stored;
* ``preview``: ``build_preview`` (the pipeline's ``run_table`` + the review decisions);
* ``view``: ``preview_view``, the preview page's values (bounded, JSON-able, one language);
* ``view_cache``: ``preview_page``, that view computed once per choice and kept;
* ``choices``: the planner's read options (``choose_read_options``) and review decisions
  (``decide_rows``), each kept only when it fits a fresh preview;
* ``reopen``: ``reopen_version``, a new upload of the active version's rows (its stored
  codes kept), to fix its unmatched rows later through the same review (audited);
* ``confirm``: ``confirm``, stored through ``geoapp.imports.staging.stage_and_activate``
  (atomic; the previous version stays active if anything fails; a newer version
  confirmed at the same time wins and this one is kept archived, and the result says
  so), then the upload is removed and the confirmed picks' aliases are saved.
"""
