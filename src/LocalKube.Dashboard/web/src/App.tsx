import * as Tooltip from '@radix-ui/react-tooltip';
import { lazy, Suspense, useEffect, useState } from 'react';
import { Route, Switch, useLocation } from 'wouter';
import { discover, resourceTypes } from './api/resources';
import { Banner } from './components/Banner';
import { KeyboardHelp } from './components/KeyboardHelp';
import { NamespacePicker } from './components/NamespacePicker';
import { Sidebar } from './components/Sidebar';
import { Overview } from './views/Overview';
import { ResourceList } from './views/ResourceList';
import { ResourceDetail } from './views/ResourceDetail';
import { Forwards } from './views/Forwards';

const CreateFromYaml = lazy(() => import('./views/CreateFromYaml'));

function Logo() {
  return (
    <svg viewBox="0 0 16 16" aria-hidden="true">
      <path fill="#326ce5" d="M8 0l7 4v8l-7 4-7-4V4z" />
      <path fill="#fff" d="M8 3.2l4.2 2.4v4.8L8 12.8 3.8 10.4V5.6z" opacity=".9" />
      <circle cx="8" cy="8" r="1.7" fill="#326ce5" />
    </svg>
  );
}

export function App() {
  const [, navigate] = useLocation();
  const [help, setHelp] = useState(false);
  const [profile, setProfile] = useState('');

  useEffect(() => {
    void discover();
    fetch('/api/info')
      .then((r) => r.json())
      .then((info: { profile: string }) => {
        setProfile(info.profile);
        document.title = `${info.profile} · LocalKube dashboard`;
      })
      .catch(() => undefined);
  }, []);

  // Keyboard: "/" filters, "g" then a letter goes to a list (g p: pods), "?" lists the shortcuts.
  useEffect(() => {
    let pendingG = 0;
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (e.ctrlKey || e.metaKey || e.altKey || target.closest('input, textarea, select, [contenteditable="true"], .cm-editor, .xterm')) return;
      if (e.key === '/') {
        const filter = document.querySelector<HTMLInputElement>('[data-filter]');
        if (filter) {
          e.preventDefault();
          filter.focus();
          filter.select();
        }
        return;
      }
      if (e.key === '?') {
        setHelp(true);
        return;
      }
      if (e.key === 'g') {
        pendingG = Date.now();
        return;
      }
      if (Date.now() - pendingG < 1500) {
        pendingG = 0;
        if (e.key === 'o') navigate('/');
        else if (e.key === 'f') navigate('/forwards');
        else {
          const type = resourceTypes.get().find((t) => t.hotkey === e.key);
          if (type) navigate(`/${type.key}`);
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navigate]);

  return (
    <Tooltip.Provider>
      <div className="app">
        <header className="topbar">
          <a className="brand" href="/" onClick={(e) => (e.preventDefault(), navigate('/'))}>
            <Logo />
            LocalKube
          </a>
          <span className="profile" data-testid="profile">
            {profile}
          </span>
          <NamespacePicker />
          <span className="spacer" />
          <button type="button" className="btn" onClick={() => navigate('/create')}>
            + Create
          </button>
          <button type="button" className="btn" aria-label="Keyboard shortcuts" onClick={() => setHelp(true)}>
            ?
          </button>
        </header>
        <Banner />
        <Sidebar />
        <main id="main">
          <Suspense fallback={<p className="muted">Loading…</p>}>
            <Switch>
              <Route path="/" component={Overview} />
              <Route path="/create" component={CreateFromYaml} />
              <Route path="/forwards" component={Forwards} />
              <Route path="/:resource/:namespace/:name">{(params) => <ResourceDetail {...params} />}</Route>
              <Route path="/:resource">{(params) => <ResourceList resource={params.resource} />}</Route>
              <Route>
                <p>Nothing here.</p>
              </Route>
            </Switch>
          </Suspense>
        </main>
      </div>
      <KeyboardHelp open={help} onOpenChange={setHelp} />
    </Tooltip.Provider>
  );
}
