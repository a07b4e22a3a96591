import { request } from 'node:http'

export interface Reply {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  readonly body: string
}

/**
 * A GET with any headers (fetch() may not set Host). For an event stream,
 * returns what arrived until `streamBytes` were read.
 */
export function get(url: string, headers: Record<string, string> = {}, options: { method?: string; streamBytes?: number } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers, agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        body += chunk
        if (options.streamBytes !== undefined && body.length >= options.streamBytes) {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body })
          req.destroy()
        }
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer from ${url}`)))
    req.end()
  })
}
