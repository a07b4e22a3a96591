import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { ProgressBar } from '../src/progress-bar.js'

function stream(isTTY: boolean): { out: Writable & { isTTY?: boolean }; text: () => string } {
  let text = ''
  const out = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString()
        done()
      },
    }),
    { isTTY },
  )
  return { out, text: () => text }
}

describe('the progress bar', () => {
  it('redraws one bar in place on a terminal, with rate and ETA', async () => {
    const { out, text } = stream(true)
    const bar = new ProgressBar(1_000, 200, out)
    await new Promise((resolve) => setTimeout(resolve, 120))
    bar.update(400)
    bar.finish(1_000)
    // the erase-to-end-of-line code after each frame, taken off to read the text
    const frames = text().split('\r').filter(Boolean).map((frame) => frame.replace('\u001b[K', ''))
    expect(frames[0]).toMatch(/^\[#{12}\.{18}\] 400\/1000 rows \(40%\) \| \d+ rows\/s \| ETA \d+s$/)
    expect(frames.at(-1)).toMatch(/^\[#{30}\] 1000\/1000 rows \(100%\) \| \d+ rows\/s \| ETA 0s\n$/)
  })

  it('writes plain lines elsewhere (CI logs, files)', () => {
    const { out, text } = stream(false)
    const bar = new ProgressBar(10, 0, out)
    bar.update(5)
    bar.update(6) // within the second: not printed
    bar.finish(10)
    expect(text()).toMatch(/^5\/10 rows \(50%\) \| \d+ rows\/s \| ETA \d+s\n10\/10 rows \(100%\) \| \d+ rows\/s \| ETA 0s\n$/)
  })
})
