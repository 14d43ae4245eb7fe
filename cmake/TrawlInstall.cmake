# `cmake --install BUILD --prefix P`: the public headers, the static
# libraries a program needs, the trawl executable and a CMake package
# (P/lib/cmake/trawl) whose trawl::trawl target a project links.
#
# The libraries are found by walking the link graph from trawl_all, so an
# area library added later is installed without an edit here. Their usage
# requirements name source-tree folders (framework/src, spiders/): those
# are wrapped in $<BUILD_INTERFACE:...> so they drop out of the installed
# package, which has only the public headers.

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# Non-imported targets reachable from `targets` through their link lists.
function(trawl_link_closure out)
  set(pending ${ARGN})
  set(seen "")
  while(pending)
    list(POP_FRONT pending target)
    if(NOT TARGET ${target} OR target IN_LIST seen)
      continue()
    endif()
    get_target_property(imported ${target} IMPORTED)
    get_target_property(aliased ${target} ALIASED_TARGET)
    if(imported)
      continue()
    endif()
    if(aliased)
      list(APPEND pending ${aliased})
      continue()
    endif()
    list(APPEND seen ${target})
    get_target_property(type ${target} TYPE)
    set(links "")
    if(NOT type STREQUAL "INTERFACE_LIBRARY")
      get_target_property(private_links ${target} LINK_LIBRARIES)
      if(private_links)
        list(APPEND links ${private_links})
      endif()
    endif()
    get_target_property(interface_links ${target} INTERFACE_LINK_LIBRARIES)
    if(interface_links)
      list(APPEND links ${interface_links})
    endif()
    foreach(link IN LISTS links)
      # $<LINK_ONLY:x> (a static library's private dependency) names x.
      string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" link "${link}")
      if(NOT link MATCHES "^\\$<" AND TARGET ${link})
        list(APPEND pending ${link})
      endif()
    endforeach()
  endwhile()
  set(${out} ${seen} PARENT_SCOPE)
endfunction()

# Wraps each plain source- or build-tree folder in `target`'s interface
# include directories in $<BUILD_INTERFACE:...>.
function(trawl_build_only_includes target)
  get_target_property(dirs ${target} INTERFACE_INCLUDE_DIRECTORIES)
  if(NOT dirs)
    return()
  endif()
  set(fixed "")
  foreach(dir IN LISTS dirs)
    if(NOT dir MATCHES "^\\$<" AND (dir MATCHES "^${PROJECT_SOURCE_DIR}" OR dir MATCHES "^${PROJECT_BINARY_DIR}"))
      list(APPEND fixed "$<BUILD_INTERFACE:${dir}>")
    else()
      list(APPEND fixed "${dir}")
    endif()
  endforeach()
  set_property(TARGET ${target} PROPERTY INTERFACE_INCLUDE_DIRECTORIES "${fixed}")
endfunction()

# The dependencies' find calls for the package config: TrawlDependencies.cmake
# with find_package -> find_dependency (REQUIRED dropped: find_dependency
# reports a missing one through trawl_FOUND). pkg_check_modules lines stay.
function(trawl_config_dependencies out)
  file(STRINGS ${PROJECT_SOURCE_DIR}/cmake/TrawlDependencies.cmake lines)
  set(text "")
  foreach(line IN LISTS lines)
    if(line MATCHES "^find_package\\(")
      string(REGEX REPLACE "^find_package\\(" "find_dependency(" line "${line}")
      string(REPLACE " REQUIRED" "" line "${line}")
    endif()
    string(APPEND text "${line}\n")
  endforeach()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

set(TRAWL_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/trawl)

trawl_link_closure(trawl_installed_libraries trawl_all trawl_allocator)
foreach(target IN LISTS trawl_installed_libraries)
  trawl_build_only_includes(${target})
endforeach()
target_include_directories(trawl_includes INTERFACE $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)

install(TARGETS ${trawl_installed_libraries} EXPORT trawlTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS trawl RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/framework/include/trawl DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT trawlTargets NAMESPACE trawl:: DESTINATION ${TRAWL_INSTALL_CMAKEDIR})

trawl_config_dependencies(TRAWL_CONFIG_DEPENDENCIES)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/trawlConfig.cmake.in
  ${PROJECT_BINARY_DIR}/trawlConfig.cmake
  INSTALL_DESTINATION ${TRAWL_INSTALL_CMAKEDIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/trawlConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/trawlConfig.cmake ${PROJECT_BINARY_DIR}/trawlConfigVersion.cmake
  DESTINATION ${TRAWL_INSTALL_CMAKEDIR})
