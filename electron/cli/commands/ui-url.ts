import { type Command, dataOption } from '../command.ts';
import { servingStation } from '../station-call.ts';
import { CommandError } from '../engine-call.ts';

/** The link `serve` printed at start-up, again: the technician closed the terminal or the browser tab. */
export const uiUrl: Command = {
  summary: "print the UI link of the station serving the data directory (the one `serve` printed at start-up)",
  usage: 'fieldstation ui-url [--data DIR]',
  options: { ...dataOption },
  async run(args) {
    const station = servingStation(args);
    if (!station) throw new CommandError('no station is serving this data directory; start one with `fieldstation serve`');
    // The same form as station.ts gives `serve`: the UI at the admin URL's root, the run's secret as ?token=.
    console.log(`${station.url}/?token=${station.secret}`);
    return 0;
  },
};
