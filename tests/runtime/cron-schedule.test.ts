import { describe, expect, it } from 'vitest'
import { checkTiming, nextRunDate } from '../../runtime/cron-schedule.js'

describe('nextRunDate', () => {
  const at = new Date('2026-03-07T12:00:00Z')

  it('reads five-field patterns in UTC by default and six-field ones with seconds', () => {
    expect(nextRunDate({ schedule: '30 14 * * *' }, at)).toBe('2026-03-07T14:30:00.000Z')
    expect(nextRunDate({ schedule: '0 9 * * MON' }, at)).toBe('2026-03-09T09:00:00.000Z')
    expect(nextRunDate({ schedule: '*/15 * * * * *' }, at)).toBe('2026-03-07T12:00:15.000Z')
    expect(nextRunDate({ schedule: '0 0 L * *' }, at)).toBe('2026-03-31T00:00:00.000Z')
  })

  it('follows the timezone across a daylight-saving change', () => {
    // New York moves to UTC-4 on 2026-03-08: 09:00 local is 14:00Z before, 13:00Z after
    expect(nextRunDate({ schedule: '0 9 * * *', timezone: 'America/New_York' }, at)).toBe('2026-03-07T14:00:00.000Z')
    expect(nextRunDate({ schedule: '0 9 * * *', timezone: 'America/New_York' }, new Date('2026-03-07T15:00:00Z'))).toBe('2026-03-08T13:00:00.000Z')
  })

  it('is null past the end time', () => {
    expect(nextRunDate({ schedule: '0 * * * *', end_time: '2026-03-07T12:59:00Z' }, at)).toBeNull()
    expect(nextRunDate({ schedule: '0 * * * *', end_time: '2026-03-07T13:00:00Z' }, at)).toBe('2026-03-07T13:00:00.000Z')
  })

  it('refuses bad patterns, timezones and end times with VALIDATION errors', () => {
    for (const t of [{ schedule: '61 * * * *' }, { schedule: 'every day' }, { schedule: '* * * * *', timezone: 'Mars/Olympus' }, { schedule: '* * * * *', end_time: 'tomorrow' }]) {
      expect(() => checkTiming(t)).toThrow(expect.objectContaining({ code: 'VALIDATION' }) as Error)
    }
  })
})
