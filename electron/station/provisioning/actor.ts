/**
 * Who did it, in the audit log: the technician at this station (the admin UI, the CLI or an API token). When the
 * station gets accounts, the person's name goes here.
 */
export const stationActor = 'the station';
