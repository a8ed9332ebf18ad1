import { useEffect, useState } from 'react'

export function useMediaQuery(query: string): boolean {
  const get = () => typeof matchMedia === 'function' && matchMedia(query).matches
  const [matches, setMatches] = useState(get)
  useEffect(() => {
    if (typeof matchMedia !== 'function') return
    const media = matchMedia(query)
    const on = () => setMatches(media.matches)
    on()
    media.addEventListener?.('change', on)
    return () => media.removeEventListener?.('change', on)
  }, [query])
  return matches
}
