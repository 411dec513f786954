import { defineMessages, useIntl } from 'react-intl';
import { nextTheme, type Theme, useTheme } from '../app/theme.ts';
import { Icon, type IconName } from './Icon.tsx';

const names = defineMessages<Theme>({
  light: { id: 'theme.light', defaultMessage: 'Light' },
  dark: { id: 'theme.dark', defaultMessage: 'Dark' },
  contrast: { id: 'theme.contrast', defaultMessage: 'High contrast' },
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
    { id: 'theme.button', defaultMessage: 'Theme: {current}. Switch to {next}' },
    { current: intl.formatMessage(names[theme]), next: intl.formatMessage(names[nextTheme(theme)]) },
  );
  return (
    <button type="button" className="btn btn-icon btn-ghost" onClick={cycle} aria-label={label} title={`${label} (t)`} data-theme-choice={theme}>
      <Icon name={icons[theme]} />
    </button>
  );
}
