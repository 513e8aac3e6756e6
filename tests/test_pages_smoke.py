from conftest import app_for, make_user, texts


def test_map_page_shows_modules(app_env):
    user = make_user(app_env)
    at = app_for(app_env, user)
    assert not at.exception
    assert "Alpha module" in texts(at)


def test_first_run_asks_for_admin(app_env):
    at = app_for(app_env)
    assert "Welcome to Arrowhead" in texts(at)
