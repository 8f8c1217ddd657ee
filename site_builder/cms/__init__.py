"""网页投稿: the browser editor (Decap CMS) at `/admin/`.

`settings` reads the `cms:` options, `decap_config` turns orgs.yml and the configuration into
Decap's `config.yml` (plain data in, YAML out), `admin` writes `/admin/` into a built site,
and `local_backend` is the small server `portal serve` starts so that the editor can write
into the local repository without an account.
"""
