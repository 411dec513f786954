import { defineMessages, useIntl } from 'react-intl';
import { nextTheme, type Theme, useTheme } from '../app/theme.ts';
import { Icon, type IconName } from './Icon.tsx';

const names = defineMessages<Theme>({
  light: { id: 'theme.light', defaultMessage: 'light' },
  dark: { id: 'theme.dark', defaultMessage: 'dark' },
  contrast: { id: 'theme.contrast', defaultMessage: 'high contrast' },
});

const icons: Record<Theme, IconName> = { light: 'sun', dark: 'moon', contrast: 'contrast' };

/**
 * The theme, one of three (light, dark, high contrast), remembered per browser: a press (or `t`) moves to the next.
 * The button says which theme is on and which comes next, so a screen reader user knows before pressing.
 */
export function ThemeButton() {
  const intl = useIntl();
  const { theme, cycle } = useTheme();
  const label = intl.formatMessage(
    { id: 'theme.button', defaultMessage: 'Switch to {next} theme (now {current})' },
    { current: intl.formatMessage(names[theme]), next: intl.formatMessage(names[nextTheme(theme)]) },
  );
  return (
    <button type="button" className="btn btn-icon btn-ghost" onClick={cycle} aria-label={label} title={`${label} (t)`} data-theme-choice={theme}>
      <Icon name={icons[theme]} />
    </button>
  );
}
