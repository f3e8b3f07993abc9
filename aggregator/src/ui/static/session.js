// The session both pages share (hospital: app.js, region: region.js), on the shell in page.html:
// sign in with a bearer token (kept in sessionStorage for this tab only), call the API with it (a 401
// signs out), and follow /api/stream with one EventSource, which cannot send headers: the token goes
// as ?access_token= (the stream route alone accepts it).

const TOKEN_KEY = 'rhn.token'

/** The element with this id. */
export const $ = (id) => document.getElementById(id)

/** Shows a line in the status bar (red when it is an error). */
export function say(text, isError = false) {
  const el = $('status')
  el.textContent = text
  el.className = isError ? 'status error' : 'status'
}

/** Shows an error in the status bar; a 401 is not shown there (signing out already said why). */
export function onError(err) {
  if (err?.message !== 'unauthorized') say(`Error: ${err?.message ?? err}`, true)
}

/**
 * The page's session. `page.render()` draws the view after sign-in; `page.events` are the stream's
 * event types, each delivered to `page.onEvent(message)`; `page.onSignOut()` clears what the page
 * holds. Nothing happens before `start()`, which wires the sign-in form and resumes a saved token.
 */
export function createSession(page) {
  const state = { token: null, principal: null, source: null }

  /** Calls the API with the bearer token; a 401 signs out. Throws with the server's message. */
  async function api(path, init = {}) {
    const res = await fetch(path, { ...init, headers: { ...(init.headers ?? {}), authorization: `Bearer ${state.token}` } })
    if (res.status === 401) {
      signOut('Your token is not valid (any more). Sign in again.')
      throw new Error('unauthorized')
    }
    const body = await res.json().catch(() => ({}))
    if (!res.ok) throw new Error(body.message ?? `${res.status} ${res.statusText}`)
    return body
  }

  function connectStream() {
    const es = new EventSource(`/api/stream?access_token=${encodeURIComponent(state.token)}`)
    const live = $('live')
    es.onopen = () => { live.textContent = 'Live: connected'; live.classList.add('on') }
    es.onerror = () => { live.textContent = 'Live: reconnecting…'; live.classList.remove('on') }
    for (const type of page.events) es.addEventListener(type, page.onEvent)
    state.source = es
  }

  function showApp(on) {
    $('login-view').hidden = on
    $('app-view').hidden = !on
    // The hospital page's navigation, where there is one.
    if ($('nav')) $('nav').hidden = !on
    $('session').hidden = !on
  }

  async function signIn(token) {
    state.token = token
    state.principal = await api('/api/session')
    sessionStorage.setItem(TOKEN_KEY, token)
    $('who').textContent = `${state.principal.name} (${state.principal.role})`
    showApp(true)
    connectStream()
    await page.render()
  }

  function signOut(message = '') {
    sessionStorage.removeItem(TOKEN_KEY)
    state.source?.close()
    Object.assign(state, { token: null, principal: null, source: null })
    showApp(false)
    $('login-error').textContent = message
    $('token').value = ''
    page.onSignOut?.()
  }

  function start() {
    $('login-form').addEventListener('submit', (e) => {
      e.preventDefault()
      $('login-error').textContent = ''
      signIn($('token').value.trim()).catch((err) => { if (err.message !== 'unauthorized') $('login-error').textContent = err.message })
    })
    $('sign-out').addEventListener('click', () => signOut('Signed out.'))
    const saved = sessionStorage.getItem(TOKEN_KEY)
    if (saved) void signIn(saved).catch(() => signOut())
    else showApp(false)
  }

  return {
    api,
    start,
    /** Whether someone is signed in. */
    get signedIn() { return Boolean(state.token) },
    /** Whether the signed-in role may act (acknowledge alarms, file requests): engineer or admin. */
    canAct: () => state.principal !== null && (state.principal.role === 'engineer' || state.principal.role === 'admin'),
  }
}
