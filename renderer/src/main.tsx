import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { applyTheme } from './app/theme.ts';
import './styles/tokens.css';
import './styles/base.css';
import './styles/components.css';
import './styles/tables.css';
import './styles/forms.css';
import './styles/server.css';
import './styles/devices.css';
import './styles/profiles.css';
import './styles/batches.css';
import './styles/labels.css';
import './styles/attributes.css';
import './styles/contrast.css';
import './styles/responsive.css';

applyTheme();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
